import { describe, expect, it } from 'vitest';
import { customerLabel, mergeCandidates, mergeError } from './merge';

describe('merge candidates', () => {
  const maria = { id: 'c1', name: 'Maria Garcia', identities: [{ channel: 'WHATSAPP', handle: '+34600111222' }] };
  const mariaFb = { id: 'c2', name: '', identities: [{ channel: 'FACEBOOK', handle: 'fb-100234' }] };
  const mgarcia = { id: 'c3', name: 'M. Garcia', identities: [{ channel: 'EMAIL', handle: 'mg@example.net' }] };
  const found = (...customers: (typeof maria)[]) => customers.map((customer, i) => ({ id: `conv${i}`, customer }));

  it('lists each customer once, in the order of the results', () => {
    expect(mergeCandidates(found(mariaFb, mgarcia, mariaFb, mgarcia), 'c1')).toEqual([mariaFb, mgarcia]);
  });

  it('leaves out the customer merged into, wherever it is found', () => {
    expect(mergeCandidates(found(maria, mgarcia, maria), 'c1')).toEqual([mgarcia]);
    expect(mergeCandidates(found(maria), 'c1')).toEqual([]);
  });

  it('is empty for no results', () => {
    expect(mergeCandidates([], 'c1')).toEqual([]);
  });

  it('names a customer by its name, else its first handle', () => {
    expect(customerLabel(maria)).toBe('Maria Garcia');
    expect(customerLabel(mariaFb)).toBe('fb-100234');
    expect(customerLabel({ id: 'c4', name: '  ', identities: null })).toBe('Unnamed customer');
  });
});

describe('merge errors', () => {
  const refused = (code: string, message: string) => ({ graphQLErrors: [{ message, extensions: { code } }] });

  it("shows the server's words for its refusals, as a sentence", () => {
    expect(
      mergeError(refused('INVALID_STATE', 'each customer has a conversation open on SMS: resolve one and let it close, then merge them')),
    ).toBe('Each customer has a conversation open on SMS: resolve one and let it close, then merge them.');
    expect(mergeError(refused('NOT_FOUND', 'customer not found in your workspace'))).toBe('Customer not found in your workspace.');
  });

  it('says the rest as the app does elsewhere', () => {
    expect(mergeError({ networkError: new Error('offline'), graphQLErrors: [] })).toBe(
      "Can't reach Switchboard. Check your connection and try again.",
    );
    expect(mergeError(refused('INVALID_STATE', ''))).toBe("That isn't possible in the conversation's current state.");
    expect(mergeError(undefined)).toBe('');
  });
});
