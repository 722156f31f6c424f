/**
 * `T` with its possibly-undefined fields made optional and never undefined: what an options
 * object with optional fields accepts under `exactOptionalPropertyTypes`, where a present key
 * holding `undefined` is not the same as an absent key.
 */
export type DefinedFields<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * The object without the keys whose value is undefined — instead of a `...(x ? { x } : {})`
 * spread per optional field.
 *
 * @example definedFields({ limit: query.limit, cursor: undefined }) // { limit: 10 }
 */
export function definedFields<T extends object>(value: T): DefinedFields<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as DefinedFields<T>;
}
