// RunConfig and its paths as TypeScript types, inferred from the field table: the types cannot drift from it.
import type { ChoiceField, Entries, Field, Names, SectionSpec, VariantsSpec } from './field';
import type { CONFIG_TABLE } from './table';

type Table = typeof CONFIG_TABLE;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ValueOf<F> = F extends Field<infer T> ? T : never;
type InferFields<F extends Entries> = { -readonly [K in keyof F]: InferEntry<F[K]> };
type InferEntry<E> = E extends Field
  ? ValueOf<E>
  : E extends SectionSpec<infer F, infer O>
    ? O extends true
      ? Simplify<InferFields<F>> | null
      : Simplify<InferFields<F>>
    : E extends VariantsSpec<infer Tag, infer V, infer C>
      ? { [N in keyof V & string]: Simplify<{ -readonly [K in Tag]: N } & InferFields<V[N]> & InferFields<C>> }[keyof V & string]
      : never;

/** The one description of an experiment, shared by the CLI, the engine, the store and the UI. */
export type RunConfig = InferFields<Table['fields']>;
export type DataConfig = RunConfig['data'];
export type DatasetName = DataConfig['dataset'];
export type ModelConfig = RunConfig['model'];
export type Activation = ModelConfig['activation'];
export type TrainConfig = RunConfig['train'];
export type SpectrumConfig = RunConfig['spectrum'];
export type CgdConfig = NonNullable<RunConfig['cgd']>;
export type PruneSet = CgdConfig['prune'];
export type LyapunovConfig = NonNullable<RunConfig['lyapunov']>;
export type ReplicaConfig = NonNullable<RunConfig['replicas']>;
export type PerturbStrategy = ReplicaConfig['strategy'];

type Join<P extends string, K extends string> = P extends '' ? K : `${P}.${K}`;
type KeyPaths<F, P extends string> = { [K in keyof F & string]: Join<P, K> }[keyof F & string];
type PathsOf<E, P extends string> = E extends Field
  ? P
  : E extends SectionSpec<infer F>
    ? { [K in keyof F & string]: PathsOf<F[K], Join<P, K>> }[keyof F & string]
    : E extends VariantsSpec<infer Tag, infer V, infer C>
      ? Join<P, Tag> | { [N in keyof V]: KeyPaths<V[N], P> }[keyof V] | KeyPaths<C, P>
      : never;
/** The dotted path of every field ('train.lr', 'model.hidden', …). */
export type ConfigPath = PathsOf<Table, ''>;
/** The sections that may be null (switched off). */
export type OptionalSection = { [K in keyof Table['fields']]: Table['fields'][K] extends SectionSpec<Entries, true> ? K : never }[keyof Table['fields']];

type ChildOf<E, K extends string> =
  E extends SectionSpec<infer F>
    ? K extends keyof F
      ? F[K]
      : never
    : E extends VariantsSpec<infer Tag, infer V, infer C>
      ? K extends Tag
        ? ChoiceField<keyof V & string>
        : K extends keyof C
          ? C[K]
          : { [N in keyof V]: K extends keyof V[N] ? V[N][K] : never }[keyof V]
      : never;
type EntryAt<E, P extends string> = P extends `${infer H}.${infer R}` ? EntryAt<ChildOf<E, H>, R> : ChildOf<E, P>;
/** The table entry at a path, with its literal type (bounds, options, `names`). */
export type FieldAt<P extends ConfigPath> = EntryAt<Table, P>;
/** The value type at a path (a variant's field: its type in that variant). */
export type ValueAt<P extends ConfigPath> = ValueOf<FieldAt<P>>;
/** The fields that name a file or directory. */
export type PathField = { [P in ConfigPath]: FieldAt<P> extends { names: Names } ? P : never }[ConfigPath];

export interface FieldError {
  field: string;
  message: string;
}
export type ValidationResult = { ok: true; config: RunConfig } | { ok: false; errors: FieldError[] };
