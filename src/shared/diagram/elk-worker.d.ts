// elkjs ships no types for its worker module; only the constructor is used (see elk.ts).
declare module 'elkjs/lib/elk-worker.min.js' {
  export const Worker: unknown;
}
