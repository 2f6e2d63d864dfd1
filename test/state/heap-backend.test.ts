import { HeapStateBackend } from 'eddy';
import { backendConformance } from './backend-conformance.ts';

backendConformance('heap', () => new HeapStateBackend());
