/**
 * The customer endpoints' logic: validate, change the store, answer. Each method returns an {@link Answer}
 * (the envelope and its HTTP status) and never touches the socket, so faults and hangs stay in the server.
 *
 * Choices where EnKash is silent:
 * - A create whose `companyId` is not the caller's company answers 403 INVALID_ACCESS.
 * - With `uniqueRefNo` uniqueness on, a create or PATCH that reuses another customer's uniqueRefNo
 *   answers 422 UNPROCESSABLE_REQUEST (EnKash's rule is unknown: off by default).
 * - A PATCH cannot clear `legalName` or empty `customerKeyContacts` (both required on create): 400.
 * - activate/deactivate answer the customer, like update; delete answers a string (seed 004).
 */
import {
  CustomerCreateSchema,
  CustomerSearchSchema,
  CustomerUpdateSchema,
  SearchQuerySchema,
  type CustomerUpdate,
} from '../contract/enkash-api.js';
import type { Account } from './auth.js';
import { applyPatch, newCustomer, newCustomerId, setActive, type Customer } from './customer-record.js';
import { DEFAULT_LIMIT, ORDERABLE_FIELDS, isOrderable, searchCustomers } from './customer-search.js';
import { fail, notFound, ok, type Answer, type Failure } from './envelope.js';
import type { CustomerStore } from './store.js';
import { checkPattern, fieldError, validate } from './validation.js';

export type CustomerServiceOptions = {
  store: CustomerStore;
  uniqueRefNo: boolean;
  now?: () => Date;
};

/** What a create did, so the server can hang after the commit. */
export type CreateResult = { answer: Answer; created: boolean };

type Query = Record<string, string | undefined>;

export class CustomerService {
  private readonly store: CustomerStore;
  private readonly now: () => Date;

  constructor(private readonly options: CustomerServiceOptions) {
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
  }

  create(account: Account, body: unknown): CreateResult {
    const dto = validate(CustomerCreateSchema, body, 'customerCreateDTO');
    if (!dto.ok) return { answer: fail(dto.failure), created: false };
    if (dto.value.companyId !== undefined && dto.value.companyId !== account.companyId) {
      return { answer: fail(forbidden(dto.value.companyId)), created: false };
    }
    const duplicate = this.duplicateRefNo(dto.value.uniqueRefNo, null);
    if (duplicate) return { answer: fail(duplicate), created: false };
    const customer = newCustomer(
      dto.value,
      { id: this.store.allocateId(), customerId: this.freshId() },
      actor(account),
      this.now(),
    );
    this.store.put(customer);
    return { answer: ok(customer), created: true };
  }

  search(query: Query, body: unknown): Answer {
    const page = validate(SearchQuerySchema, query, 'customerSearch');
    if (!page.ok) return fail(page.failure);
    const orderBy = page.value.orderBy || 'id';
    if (!isOrderable(orderBy)) {
      return fail(
        fieldError('customerSearch', 'orderBy', orderBy, `must be one of ${ORDERABLE_FIELDS.join(', ')}`),
      );
    }
    const filter = validate(CustomerSearchSchema, body ?? {}, 'customerSearchDTO');
    if (!filter.ok) return fail(filter.failure);
    const candidates = filter.value.uniqueRefNo
      ? this.store.withUniqueRefNo(filter.value.uniqueRefNo)
      : this.store.all();
    return ok(
      searchCustomers(candidates, filter.value, {
        limit: page.value.limit ?? DEFAULT_LIMIT,
        offset: page.value.offset ?? 0,
        orderBy,
        direction: page.value.direction ?? 'ASC',
      }),
    );
  }

  update(account: Account, customerId: string, query: Query, body: unknown): Answer {
    const found = this.find(customerId, query);
    if ('errorType' in found) return fail(found);
    const patch = validate(CustomerUpdateSchema, body ?? {}, 'customerUpdateDTO');
    if (!patch.ok) return fail(patch.failure);
    const refused = this.refusePatch(found, patch.value);
    if (refused) return fail(refused);
    const next = applyPatch(found, patch.value, actor(account), this.now());
    this.store.put(next);
    return ok(next);
  }

  setActive(account: Account, customerId: string, query: Query, active: boolean): Answer {
    const found = this.find(customerId, query);
    if ('errorType' in found) return fail(found);
    const next = setActive(found, active, actor(account), this.now());
    this.store.put(next);
    return ok(next);
  }

  remove(customerId: string, query: Query): Answer {
    const found = this.find(customerId, query);
    if ('errorType' in found) return fail(found);
    this.store.remove(found.customerId);
    return ok('Customer deleted successfully');
  }

  private find(customerId: string, query: Query): Customer | Failure {
    const bad =
      checkPattern('customer', 'customerId', customerId) ??
      checkPattern('customer', 'parentCompanyId', query.parentCompanyId);
    if (bad) return bad;
    return this.store.get(customerId) ?? notFound(`Customer ${customerId}`);
  }

  private refusePatch(customer: Customer, patch: CustomerUpdate): Failure | null {
    const object = 'customerUpdateDTO';
    if (patch.legalName === null) return fieldError(object, 'legalName', null, 'must not be null');
    if (Object.hasOwn(patch, 'customerKeyContacts') && !patch.customerKeyContacts?.length) {
      return fieldError(
        object,
        'customerKeyContacts',
        patch.customerKeyContacts ?? null,
        'must not be empty',
      );
    }
    if (patch.customerId && patch.customerId !== customer.customerId) {
      return fieldError(object, 'customerId', patch.customerId, 'must match the customerId in the path');
    }
    return this.duplicateRefNo(patch.uniqueRefNo ?? undefined, customer.customerId);
  }

  private duplicateRefNo(uniqueRefNo: string | undefined, self: string | null): Failure | null {
    if (!this.options.uniqueRefNo || !uniqueRefNo) return null;
    const other = this.store.withUniqueRefNo(uniqueRefNo).find((c) => c.customerId !== self);
    if (!other) return null;
    return {
      status: 422,
      errorType: 'UNPROCESSABLE_REQUEST',
      message: `uniqueRefNo ${uniqueRefNo} is already used by customer ${other.customerId}`,
    };
  }

  private freshId(): string {
    let id = newCustomerId();
    while (this.store.has(id)) id = newCustomerId();
    return id;
  }
}

function forbidden(companyId: string): Failure {
  return {
    status: 403,
    errorType: 'INVALID_ACCESS',
    message: `This account cannot manage customers of company ${companyId}`,
  };
}

const actor = (account: Account) => ({ username: account.username, companyId: account.companyId });
