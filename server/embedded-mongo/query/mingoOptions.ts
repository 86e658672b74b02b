import type { Document } from 'bson';
import { ProcessingMode, type Query } from 'mingo';

type Options = NonNullable<ConstructorParameters<typeof Query>[1]>;

/**
 * mingo options shared by every query. CLONE_OFF: we decide ourselves what to copy (stored documents are
 * immutable, aggregation inputs are cloned before stages that could mutate them).
 */
export function mingoOptions(extra: { collectionResolver?: (name: string) => Document[]; variables?: Document } = {}): Options {
  return {
    idKey: '_id',
    processingMode: ProcessingMode.CLONE_OFF,
    useStrictMode: true,
    ...(extra.collectionResolver ? { collectionResolver: extra.collectionResolver } : {}),
    ...(extra.variables ? { variables: extra.variables } : {}),
  };
}
