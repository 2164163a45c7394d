import { describePlatform, str } from '../support';

// The data plane, over the network: needs the runner to reach the public API endpoint
// and the WAF to allow it, so it runs against a real account only (E2E_HTTP=1 adds
// e2e/live/ to jest.e2e.config.js). The emulator does not serve execute-api URLs.
describePlatform('health API over HTTP', (outputs) => {
  it('answers GET /health with 200 and {"status":"ok"}', async () => {
    const response = await fetch(str(outputs, 'api_health_url'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
