import type { Collection, Db, IndexDescription } from 'mongodb';
import type { ReasonCode } from '../../../definitions/INotificationDecision';

export interface IReasonGroup {
  reason: ReasonCode;
  userIds: string[];
}

/** What the pipeline decided for a message, recorded once when it ran (explain compares it with a re-run). */
export interface IDecisionLog {
  /** The message id. */
  _id: string;
  rid: string;
  at: Date;
  /** Notified user ids, grouped by reason (e.g. `MENTIONED`). Arrays, not maps: a custom reason may hold a dot. */
  notified: IReasonGroup[];
  /** Skipped user ids, grouped by reason (e.g. `USER_ONLINE`). */
  skipped: IReasonGroup[];
  /** Delayed user ids (online with the delay strategy). */
  delayed: string[];
}

/**
 * `push_decisions`: one small document per message (user ids grouped by reason, so a 10,000-member room costs one
 * write), kept for a week. It answers "what did the pipeline decide back then?", which a re-run alone cannot:
 * statuses and preferences change after the fact.
 */
export class DecisionLogModel {
  static readonly collectionName = 'push_decisions';
  static readonly retentionSeconds = 7 * 24 * 3600;
  static readonly indexes: IndexDescription[] = [
    { key: { at: 1 }, name: 'expireIndex', expireAfterSeconds: DecisionLogModel.retentionSeconds },
  ];

  readonly collection: Collection<IDecisionLog>;

  constructor(db: Db) {
    this.collection = db.collection<IDecisionLog>(DecisionLogModel.collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes(DecisionLogModel.indexes);
  }

  async record(log: IDecisionLog): Promise<void> {
    await this.collection.replaceOne({ _id: log._id }, log, { upsert: true });
  }

  get(messageId: string): Promise<IDecisionLog | null> {
    return this.collection.findOne({ _id: messageId });
  }

  /** What was decided for one user, or null when the message was not processed or the user was not in the room. */
  static lookup(log: IDecisionLog, userId: string): { decision: 'notify' | 'skip'; reason: ReasonCode; delayed: boolean } | null {
    for (const { reason, userIds } of log.notified) {
      if (userIds.includes(userId)) return { decision: 'notify', reason, delayed: log.delayed.includes(userId) };
    }
    for (const { reason, userIds } of log.skipped) {
      if (userIds.includes(userId)) return { decision: 'skip', reason, delayed: false };
    }
    return null;
  }
}
