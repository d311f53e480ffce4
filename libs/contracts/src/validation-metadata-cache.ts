import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;

/**
 * class-validator looks up a class's rules anew on every validation of every object, nested ones
 * included: it tests the class against every decorated class in the process (`instanceof`, to
 * find inherited rules), then groups the rules by property. With the few hundred DTO and event
 * classes of a kirim service that lookup was the largest single class-validator cost in the
 * services' CPU profiles (typestack/class-validator#2686, open). The rules of a class never change
 * once its module has loaded, so the answers are kept: per class and per lookup options, dropped
 * whenever a rule is added anywhere (a class declared later, a schema registered). Written here
 * because class-validator has no such option; `installValidationMetadataCache` is idempotent.
 */
export function installValidationMetadataCache(storage: MetadataStorage = getMetadataStorage()): void {
  const marked = storage as MetadataStorage & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;

  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const addRule = storage.addValidationMetadata.bind(storage);
  let byTarget = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${String(always)}\u0000${String(strictGroups)}\u0000${groups === undefined ? '\u0001' : groups.join('\u0000')}`;
    let answers = byTarget.get(target);
    if (answers === undefined) {
      answers = new Map();
      byTarget.set(target, answers);
    }
    let found = answers.get(key);
    if (found === undefined) {
      // Frozen: the same array is handed to every caller, so none may change it for the others.
      found = Object.freeze(lookUp(target, schema, always, strictGroups, groups)) as ValidationMetadata[];
      answers.set(key, found);
    }
    return found;
  };
  // Callers group the array the lookup gave them; the same array groups the same way.
  storage.groupByPropertyName = (metadata) => {
    let found = grouped.get(metadata);
    if (found === undefined) {
      found = group(metadata);
      for (const rules of Object.values(found)) Object.freeze(rules);
      Object.freeze(found);
      grouped.set(metadata, found);
    }
    return found;
  };
  storage.addValidationMetadata = (metadata) => {
    addRule(metadata);
    byTarget = new WeakMap();
    grouped = new WeakMap();
  };
}

const INSTALLED = Symbol.for('kirim.validationMetadataCache');
