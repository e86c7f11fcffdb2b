import { lambdaEntry } from '../lambda-entry';
import { awsSessionRoutePorts, type SessionRoutePorts } from './session-route-ports';
import { updateSessionRoute } from './update-session';

export const wire = (ports: SessionRoutePorts) => updateSessionRoute('partial', ports);
export const build = () => wire(awsSessionRoutePorts());
export const handler = lambdaEntry(build);
