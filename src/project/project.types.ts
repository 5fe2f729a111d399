import { ConnectionType } from '../common/connection.js';
import { Project } from './project.entity.js';

export const ProjectConnection = ConnectionType(Project, 'Project', '项目');
