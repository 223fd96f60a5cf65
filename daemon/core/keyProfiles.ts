// The verify "profile" of a key (service, environment, restrictions, organization), kept once for every
// key that has the same one: a million keys usually share a handful, and each profile carries arrays and
// a compiled IP allow-list that would otherwise be copied and compiled per key.
import type { Environment } from '../protocol';
import { compileAllowList } from '../keys/ipAllowList';
import type { VerifyProfile } from '../store/types';

export interface KeyProfile {
  readonly serviceId: string;
  readonly environment: Environment;
  /** Frozen: the valid answers of every key with this profile hand out this very array. */
  readonly permissions: readonly string[];
  readonly companies: readonly string[];
  readonly ipAllowList: readonly string[];
  readonly organization: string | undefined;
  /** Compiled once from ipAllowList; asked only when the list is not empty (verifyRules). */
  readonly ipAllowed: (clientIp: string) => boolean;
  /**
   * The valid answer's JSON after its keyId, made once: `,"serviceId":…}` as JSON.stringify writes the
   * fields that follow keyId (KeyIndex.validAnswerJsonAt puts the two together).
   */
  readonly answerAfterKeyId: string;
}

interface Pooled extends KeyProfile {
  readonly text: string;
  /** How many keys hold it: at 0 it leaves the pool. */
  users: number;
}

const allowAll = () => true;

/** The valid answer's fields after keyId, in the answer's order (organization only when there is one). */
function answerAfterKeyId(fields: VerifyProfile): string {
  const rest: Record<string, unknown> = { serviceId: fields.serviceId, environment: fields.environment, permissions: fields.permissions };
  if (fields.organization !== undefined) rest.organization = fields.organization;
  return `,${JSON.stringify(rest).slice(1)}`;
}
const frozenCopy = (values: readonly string[]) => Object.freeze([...values]);

/** Equal texts exactly for equal profiles (arrays compared in order, as verify reads them). */
const textOf = (fields: VerifyProfile) =>
  JSON.stringify([
    fields.serviceId,
    fields.environment,
    fields.permissions,
    fields.companies,
    fields.ipAllowList,
    fields.organization ?? null,
  ]);

export class ProfilePool {
  private readonly byText = new Map<string, Pooled>();
  /**
   * A store may hand one object to every key of a page that shares a profile (PostgreSQL does): then
   * the text, a JSON.stringify, is made once per object instead of once per key.
   */
  private byObject = new WeakMap<VerifyProfile, Pooled>();

  get size(): number {
    return this.byText.size;
  }

  acquire(fields: VerifyProfile): KeyProfile {
    let pooled = this.byObject.get(fields);
    if (pooled === undefined || pooled.users === 0) {
      const text = textOf(fields);
      pooled = this.byText.get(text);
      if (pooled === undefined) {
        pooled = {
          text,
          users: 0,
          serviceId: fields.serviceId,
          environment: fields.environment,
          permissions: frozenCopy(fields.permissions),
          companies: frozenCopy(fields.companies),
          ipAllowList: frozenCopy(fields.ipAllowList),
          organization: fields.organization,
          ipAllowed: fields.ipAllowList.length > 0 ? compileAllowList(fields.ipAllowList) : allowAll,
          answerAfterKeyId: answerAfterKeyId(fields),
        };
        this.byText.set(text, pooled);
      }
      this.byObject.set(fields, pooled);
    }
    pooled.users += 1;
    return pooled;
  }

  /**
   * Drops what `acquire` noted per object, once a read is over: a store that hands each key its own
   * profile object (the embedded one) leaves a table sized for all of them (4 MB at 100k keys), which a
   * WeakMap keeps when its entries are gone.
   */
  forgetObjects(): void {
    this.byObject = new WeakMap();
  }

  release(profile: KeyProfile): void {
    const pooled = profile as Pooled;
    pooled.users -= 1;
    if (pooled.users === 0) this.byText.delete(pooled.text);
  }
}
