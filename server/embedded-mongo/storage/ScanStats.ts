/**
 * Counters of how queries were answered, so tests (embedded only) can prove that equality lookups use an index
 * instead of scanning the collection.
 */
export class ScanStats {
  /** Documents handed to the query matcher (what MongoDB's explain calls totalDocsExamined). */
  docsExamined = 0;
  /** Queries answered from an index (`_id` or secondary). */
  indexLookups = 0;
  /** Queries that had to walk the whole collection. */
  collectionScans = 0;

  reset(): void {
    this.docsExamined = 0;
    this.indexLookups = 0;
    this.collectionScans = 0;
  }

  snapshot(): { docsExamined: number; indexLookups: number; collectionScans: number } {
    return { docsExamined: this.docsExamined, indexLookups: this.indexLookups, collectionScans: this.collectionScans };
  }
}
