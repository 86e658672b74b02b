export { extractMentionTokens } from './extractMentionTokens';
export type { IMentionTokens } from './extractMentionTokens';
export { summarizeMentions } from './summarizeMentions';
export { compileHighlights, matchesHighlight } from './matchesHighlight';
export type { IHighlightMatcher } from './matchesHighlight';
export { isThreadFollower } from './isThreadFollower';
export { MENTION_PATTERN_SOURCE, mentionRegExp, trimMentionName } from './mentionPattern';
