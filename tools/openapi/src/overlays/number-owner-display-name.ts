import { isRecord, type Overlay } from './types.js';

/**
 * The official Cloud Calling spec gives the owner of a listed number (`NumberObject.owner`, GET
 * /telephony/config/numbers) only `id`, `type`, `firstName` and `lastName`, while the service also
 * returns `displayName` for owners that are not people or virtual lines (Webex's own generated
 * client documents it; the facts sheet lists it). wbp names such owners in its messages, so the
 * field is added where the official file lacks it.
 */
export const numberOwnerDisplayName: Overlay = {
  name: 'number-owner-display-name',
  // Every official calling file that carries NumberObject, so the merged copies stay one schema.
  appliesTo: (file) => /(^|\/)webex-cloud-calling(\.[a-z0-9-]+)?\.json$/.test(file) && !file.endsWith('.subset.json'),
  apply(doc) {
    const numberObject = doc.components?.schemas?.NumberObject;
    const owner = isRecord(numberObject) && isRecord(numberObject.properties) ? numberObject.properties.owner : undefined;
    if (!isRecord(owner) || !isRecord(owner.properties) || 'displayName' in owner.properties) return [];
    owner.properties.displayName = { type: 'string', description: 'Display name of an owner that is not a person or virtual line.' };
    return ['NumberObject.owner: added displayName'];
  },
};
