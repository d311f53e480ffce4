import 'reflect-metadata';
import { IsInt, IsString, MetadataStorage, Min, ValidateNested, validateSync } from 'class-validator';
import { Type } from 'class-transformer';
import { installValidationMetadataCache } from './validation-metadata-cache';

class Base {
  @IsString()
  name!: string;
}

class Derived extends Base {
  @IsInt()
  @Min(1, { groups: ['strict'] })
  count!: number;
}

class Holder {
  @ValidateNested()
  @Type(() => Derived)
  item!: Derived;
}

/** A storage of its own, filled with a copy of the global rules of these classes. */
function storageWithTheseRules(): MetadataStorage {
  const storage = new MetadataStorage();
  const global = new MetadataStorage();
  Object.assign(global, (globalThis as { classValidatorMetadataStorage?: MetadataStorage }).classValidatorMetadataStorage);
  for (const target of [Base, Derived, Holder]) for (const rule of global.getTargetValidationMetadatas(target, '', true, false).filter((r) => r.target === target)) storage.addValidationMetadata(rule);
  return storage;
}

describe('installValidationMetadataCache', () => {
  it('answers every lookup as class-validator does, inherited rules and groups included', () => {
    const plain = storageWithTheseRules();
    const cached = storageWithTheseRules();
    installValidationMetadataCache(cached);
    const cases: [new () => object, boolean, boolean, string[] | undefined][] = [
      [Derived, false, false, undefined],
      [Derived, false, false, ['strict']],
      [Derived, true, true, undefined],
      [Base, false, false, undefined],
      [Holder, false, false, undefined],
    ];
    for (const [target, always, strictGroups, groups] of cases) {
      for (let round = 0; round < 2; round += 1) {
        const answer = cached.getTargetValidationMetadatas(target, '', always, strictGroups, groups);
        expect(answer).toEqual(plain.getTargetValidationMetadatas(target, '', always, strictGroups, groups));
        expect(cached.groupByPropertyName(answer)).toEqual(plain.groupByPropertyName(plain.getTargetValidationMetadatas(target, '', always, strictGroups, groups)));
      }
    }
    // Groups are part of the question: asked with the strict group, only that group's rule answers.
    expect(cached.getTargetValidationMetadatas(Derived, '', false, false, ['strict']).map((rule) => [rule.propertyName, rule.groups])).toEqual([['count', ['strict']]]);
    // Without groups every rule applies, the grouped one too; with strictGroups the grouped one does not.
    expect(cached.getTargetValidationMetadatas(Derived, '', false, false, undefined).map((rule) => rule.propertyName).sort()).toEqual(['count', 'count', 'name']);
    expect(cached.getTargetValidationMetadatas(Derived, '', false, true, undefined).map((rule) => rule.propertyName).sort()).toEqual(['count', 'name']);
  });

  it('keeps each answer, and hands out answers nobody can change for the others', () => {
    const storage = storageWithTheseRules();
    installValidationMetadataCache(storage);
    const first = storage.getTargetValidationMetadatas(Derived, '', false, false);
    expect(storage.getTargetValidationMetadatas(Derived, '', false, false)).toBe(first);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
    expect(() => (first as unknown[]).push({})).toThrow(TypeError);
  });

  it('looks again once a rule is added, and installs once', () => {
    const storage = storageWithTheseRules();
    installValidationMetadataCache(storage);
    installValidationMetadataCache(storage);
    const before = storage.getTargetValidationMetadatas(Derived, '', false, false);
    const [nameRule] = before.filter((rule) => rule.propertyName === 'name');
    storage.addValidationMetadata({ ...nameRule, target: Base, propertyName: 'added' } as typeof nameRule);
    const after = storage.getTargetValidationMetadatas(Derived, '', false, false);
    expect(after.map((rule) => rule.propertyName)).toContain('added');
    expect(before.map((rule) => rule.propertyName)).not.toContain('added');
  });

  it('is what validation uses in this process: nested and inherited rules still refuse bad input', () => {
    const holder = Object.assign(new Holder(), { item: Object.assign(new Derived(), { name: 7, count: 'x' }) });
    for (let round = 0; round < 2; round += 1) {
      const [error] = validateSync(holder);
      expect(error.property).toBe('item');
      expect(error.children?.map((child) => child.property).sort()).toEqual(['count', 'name']);
    }
  });
});
