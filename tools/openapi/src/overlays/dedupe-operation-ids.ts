import { HTTP_METHODS, isRecord, type Overlay } from './types.js';

/**
 * webex-admin.json repeats four operationIds (listReports, getReportDetails, deleteAReport,
 * "Get Group Members"); openapi-typescript then emits duplicate keys in `operations` and the file
 * fails to typecheck. Later repeats become `<id>_2`, `<id>_3`… in path order, so output is stable.
 */
export const dedupeOperationIds: Overlay = {
  name: 'dedupe-operation-ids',
  appliesTo: () => true,
  apply(doc) {
    const seen = new Map<string, number>();
    const changes: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!isRecord(op) || typeof op.operationId !== 'string') continue;
        const id = op.operationId;
        const count = (seen.get(id) ?? 0) + 1;
        seen.set(id, count);
        if (count > 1) {
          op.operationId = `${id}_${count}`;
          changes.push(`${method.toUpperCase()} ${path}: operationId "${id}" -> "${id}_${count}"`);
        }
      }
    }
    return changes;
  },
};
