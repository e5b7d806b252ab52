import { listSpecIds, loadProfile } from '@council-conform/specs';

/** A kind of council system: a reference spec's profile, which is what a product is certified on. */
export interface SystemType {
  /** The profile id, as the league table's "system type" column and a certificate's profile give it. */
  readonly id: string;
  /** What councils call such a system: "Housing management and repairs". */
  readonly name: string;
}

let loading: Promise<SystemType[]> | undefined;

/** Every reference spec's system type, in id order; read from the profiles once. */
export function systemTypes(): Promise<SystemType[]> {
  loading ??= Promise.all(
    listSpecIds().map(async (id) => ({ id, name: (await loadProfile(id)).systemType })),
  ).catch((error: unknown) => {
    // A failed read is not remembered: the next request tries again.
    loading = undefined;
    throw error;
  });
  return loading;
}

/** The name of a system type, or its id when it is a profile no reference spec here has. */
export function systemTypeName(types: readonly SystemType[], id: string): string {
  return types.find((type) => type.id === id)?.name ?? id;
}
