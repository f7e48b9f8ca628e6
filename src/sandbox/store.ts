/**
 * The sandbox's customers, in memory, indexed by customerId and uniqueRefNo (the sync's lookups must stay
 * fast with a hundred thousand customers). Every change calls `onChange`, which the state file uses to
 * schedule a write.
 */
import type { Customer } from './customer-record.js';

export type StateSnapshot = {
  version: 1;
  nextId: number;
  customers: Customer[];
};

export class CustomerStore {
  private readonly byCustomerId = new Map<string, Customer>();
  private readonly byRefNo = new Map<string, Set<string>>();
  private nextId = 1;

  constructor(private readonly onChange: () => void = () => {}) {}

  get size(): number {
    return this.byCustomerId.size;
  }

  load(snapshot: StateSnapshot): void {
    this.byCustomerId.clear();
    this.byRefNo.clear();
    for (const customer of snapshot.customers) this.index(customer);
    const highest = snapshot.customers.reduce((max, c) => Math.max(max, c.id), 0);
    this.nextId = Math.max(snapshot.nextId, highest + 1);
  }

  snapshot(): StateSnapshot {
    return { version: 1, nextId: this.nextId, customers: [...this.byCustomerId.values()] };
  }

  /** Ids are never reused, even after a delete or a reset, as with a database sequence. */
  allocateId(): number {
    return this.nextId++;
  }

  has(customerId: string): boolean {
    return this.byCustomerId.has(customerId);
  }

  get(customerId: string): Customer | undefined {
    return this.byCustomerId.get(customerId);
  }

  all(): IterableIterator<Customer> {
    return this.byCustomerId.values();
  }

  withUniqueRefNo(uniqueRefNo: string): Customer[] {
    const ids = this.byRefNo.get(uniqueRefNo) ?? new Set<string>();
    return [...ids].flatMap((id) => this.byCustomerId.get(id) ?? []);
  }

  put(customer: Customer): void {
    const previous = this.byCustomerId.get(customer.customerId);
    if (previous === customer) return;
    if (previous) this.unindexRefNo(previous);
    this.index(customer);
    this.onChange();
  }

  remove(customerId: string): boolean {
    const previous = this.byCustomerId.get(customerId);
    if (!previous) return false;
    this.unindexRefNo(previous);
    this.byCustomerId.delete(customerId);
    this.onChange();
    return true;
  }

  clear(): void {
    this.byCustomerId.clear();
    this.byRefNo.clear();
    this.onChange();
  }

  private index(customer: Customer): void {
    this.byCustomerId.set(customer.customerId, customer);
    if (customer.uniqueRefNo === null) return;
    let ids = this.byRefNo.get(customer.uniqueRefNo);
    if (!ids) this.byRefNo.set(customer.uniqueRefNo, (ids = new Set()));
    ids.add(customer.customerId);
  }

  private unindexRefNo(customer: Customer): void {
    if (customer.uniqueRefNo === null) return;
    const ids = this.byRefNo.get(customer.uniqueRefNo);
    ids?.delete(customer.customerId);
    if (ids?.size === 0) this.byRefNo.delete(customer.uniqueRefNo);
  }
}
