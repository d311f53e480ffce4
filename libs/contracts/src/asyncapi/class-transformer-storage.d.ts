// class-transformer ships the metadata storage its @Type decorators write to as `cjs/storage.js`
// without a declaration beside it; its type lives in `types/storage.d.ts`.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
