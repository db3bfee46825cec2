// The library's public surface: what other libraries, the apps and the tests use. Everything else stays inside.
export { csvField, csvRow } from './csv';
export { ExportsModule } from './exports.module';
export { EXPORT_FORMATS, ROWS_PER_SHEET, wordsUnder } from './table-format';
export type { ExportFormat, TableRow, TableShape, TableWording } from './table-format';
export { EXPORTS_AT_ONCE, EXPORTS_PER_USER, TableExports } from './table-exports.service';
export type { ExportHooks, ExportRefusal } from './table-exports.service';
