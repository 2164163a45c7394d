import { emulatorEnv, emulatorErrors } from '../../../tools/emulator/emulator';

describe('emulator environment', () => {
  it('points every client at the emulator with dummy credentials and drops real ones', () => {
    const env = emulatorEnv('http://127.0.0.1:5000', 'eu-west-1', {
      AWS_PROFILE: 'prod-admin',
      AWS_SESSION_TOKEN: 'secret',
      AWS_ENDPOINT_URL_S3: 'https://s3.example',
      HOME: '/root',
    });
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      STATE_USE_PATH_STYLE: 'true',
      HOME: '/root',
    });
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(env.AWS_ENDPOINT_URL_S3).toBeUndefined();
  });
});

describe('emulatorErrors', () => {
  it("returns the extension's 5xx lines and nothing else of the log", () => {
    const log = [
      'moto 5.2.1 with extensions:',
      '127.0.0.1 - - [01/Dec/2026 08:15:53] "POST / HTTP/1.1" 500 -',
      'moto 5xx: wafv2 POST / AWSWAF_20190729.ListAPIKeys: 500 NotImplementedError: The list_api_keys action has not been implemented',
      'Traceback (most recent call last):',
      'moto 5xx: ec2 POST / DescribeCapacityBlockOfferings: 500 INTERNAL SERVER ERROR',
      '',
    ].join('\n');
    expect(emulatorErrors(log)).toEqual([
      'wafv2 POST / AWSWAF_20190729.ListAPIKeys: 500 NotImplementedError: The list_api_keys action has not been implemented',
      'ec2 POST / DescribeCapacityBlockOfferings: 500 INTERNAL SERVER ERROR',
    ]);
    expect(emulatorErrors('127.0.0.1 - - "POST / HTTP/1.1" 200 -\n')).toEqual([]);
  });
});
