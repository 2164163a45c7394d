import { emulatorEnv } from '../../../tools/emulator/emulator';

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
