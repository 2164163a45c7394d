import { TerraformStack, Testing } from 'cdktf';
import { DeployGates, fact } from '../../constructs/safety-nets/deploy-gates';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function synth(props: ConstructorParameters<typeof DeployGates>[2]): Json {
  const stack = new TerraformStack(Testing.app(), 'gates-test');
  new DeployGates(stack, 'deploy-gates', props);
  return JSON.parse(Testing.synth(stack));
}

const subscriber = {
  name: 'alarm subscriber',
  condition: `!${fact('production')} || length(${fact('alarm_subscribers')}) > 0`,
  message: 'ALARM_EMAIL is not set: production alarms would reach nobody',
};

describe('DeployGates', () => {
  it('writes the facts as locals and each gate as a precondition of terraform_data.deploy_gates', () => {
    const json = synth({ facts: { production: true, alarm_subscribers: [] }, gates: [subscriber] });
    expect(json.locals).toEqual({ deploy_facts: { production: true, alarm_subscribers: [] } });
    expect(json.resource.terraform_data).toEqual({
      deploy_gates: {
        input: { gates: ['alarm subscriber'] },
        lifecycle: {
          precondition: [
            {
              condition:
                '${!local.deploy_facts.production || length(local.deploy_facts.alarm_subscribers) > 0}',
              error_message: 'ALARM_EMAIL is not set: production alarms would reach nobody',
            },
          ],
        },
      },
    });
  });

  it.each([
    [{ facts: {}, gates: [] }, /gates is empty/],
    [
      { facts: { production: true, alarm_subscribers: [] }, gates: [subscriber, subscriber] },
      /named twice: alarm subscriber/,
    ],
    [{ facts: {}, gates: [subscriber] }, /reads unknown fact "production"/],
    [
      {
        facts: {},
        gates: [{ name: 'x', condition: '${true}', message: 'a message long enough to pass' }],
      },
      /without \$\{\}/,
    ],
    [
      { facts: {}, gates: [{ name: 'x', condition: 'data.a.b.c', message: 'too short' }] },
      /must name the setting/,
    ],
  ])('throws when the gates are malformed (%#)', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
