// indexing.ts — being written in this change.
export {};
