import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addCheckoutStacks, stageFromContext } from '../lib/checkout-app';

// `npx cdk synth|deploy -c stage=dev|staging|prod` (default dev). cdk-nag's AwsSolutions pack
// runs on every synth: an unacknowledged finding stops it.
const app = new App();
addCheckoutStacks(app, stageFromContext(app));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
