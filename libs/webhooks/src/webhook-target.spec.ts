import { guardedLookup, isPublicAddress, PrivateAddressError, webhookUrlProblem } from './webhook-target';

describe('webhook targets', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://api.localhost/hook',
    'http://10.0.0.7/hook',
    'http://192.168.1.1/hook',
    'http://172.16.0.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[fd00::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://0.0.0.0/hook',
    'http://100.64.0.1/hook',
  ])('refuses %s unless private networks are allowed', (url) => {
    expect(webhookUrlProblem(url, false)).toMatch(/private/);
    expect(webhookUrlProblem(url, true)).toBeNull();
  });

  it('accepts a public http(s) URL and refuses other schemes and credentials', () => {
    expect(webhookUrlProblem('https://crm.example.ru/hooks', false)).toBeNull();
    expect(webhookUrlProblem('https://8.8.8.8/hooks', false)).toBeNull();
    expect(webhookUrlProblem('ftp://crm.example.ru/hooks', true)).toMatch(/http/);
    expect(webhookUrlProblem('https://user:pw@crm.example.ru/', true)).toMatch(/credentials/);
    expect(webhookUrlProblem('not a url', true)).toMatch(/http/);
  });

  it('refuses at connection time a name that resolves to a private address (DNS can change after creation)', (done) => {
    const resolve = (
      _: string,
      __: { all: true },
      cb: (e: null, a: { address: string; family: number }[]) => void,
    ) =>
      cb(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ]);
    guardedLookup(false, resolve)('crm.example.ru', {}, (error) => {
      expect(error).toBeInstanceOf(PrivateAddressError);
      guardedLookup(true, resolve)('crm.example.ru', {}, (allowed, address) => {
        expect(allowed).toBeNull();
        expect(address).toBe('93.184.216.34');
        done();
      });
    });
  });

  it('classifies only unicast addresses as public', () => {
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('2a00:1450:4010:c0d::64')).toBe(true);
    expect(isPublicAddress('127.0.0.1')).toBe(false);
    expect(isPublicAddress('not an address')).toBe(false);
  });
});
