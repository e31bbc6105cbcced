// RunConfig: the one description of an experiment, shared by the CLI, the engine, the store and the UI, and
// everything derived from its field table (table.ts). No Node or DOM imports here.
export type { Names } from './field';
export { describeType, showValue } from './display';
export type { Group, Leaf } from './leaves';
export { CONFIG_PATHS, GROUPS, LEAVES, OPTIONAL_SECTIONS, PATH_FIELDS, fieldAt, isConfigPath, isPathField, pathAt, readAt } from './leaves';
export { RULES } from './rules';
export { closest, didYouMean } from './suggest';
export type * from './types';
export { DEFAULT_CONFIG, defaultSection, formatErrors, setAt, validateConfig } from './validate';
export type { SummaryItem } from './summary';
export { configSummary, optimizerLabel } from './summary';
