/** Types of scratch.cjs (CommonJS, so that jest's globalSetup can load it without a transform). */

/** What scratchParent reads of a folder's filesystem (fs.statfsSync's answer). */
export interface FolderStats {
  readonly type: number;
  readonly bsize: number;
  readonly bavail: number;
}

export interface ScratchOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** RAM-backed folders tried in turn. @default RAM_FOLDERS */
  readonly candidates?: readonly string[];
  /** The free room a RAM-backed folder must have. @default MIN_FREE_BYTES */
  readonly minFreeBytes?: number;
  /** @default fs.statfsSync */
  readonly statfs?: (dir: string) => FolderStats;
  /** Throws when `dir` cannot be written. @default fs.accessSync */
  readonly access?: (dir: string, mode: number) => void;
  /** @default os.tmpdir */
  readonly tmpdir?: () => string;
}

/**
 * The folder the checks' temporary files go under: TMPDIR when set (not blank), else the
 * first candidate that is a tmpfs we can write with at least minFreeBytes free, else tmpdir().
 */
export function scratchParent(options?: ScratchOptions): string;

/** 512 MiB. */
export const MIN_FREE_BYTES: number;
/** ['/dev/shm']. */
export const RAM_FOLDERS: readonly string[];
/** 0x01021994, linux/magic.h. */
export const TMPFS_MAGIC: number;
