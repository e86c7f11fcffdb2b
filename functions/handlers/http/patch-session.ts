import { lambdaEntry } from '../lambda-entry';
import { awsUpdatePorts, updateSessionRoute, type UpdateRoutePorts } from './update-session';

export const wire = (ports: UpdateRoutePorts) => updateSessionRoute('partial', ports);
export const build = () => wire(awsUpdatePorts());
export const handler = lambdaEntry(build);
