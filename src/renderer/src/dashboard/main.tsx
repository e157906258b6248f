import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../common/styles.css';
import { Dashboard } from './Dashboard';
import { listenForEditRequests } from './use-dashboard-events';
import { reportPlayable } from '../common/playable';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
listenForEditRequests();
reportPlayable();
createRoot(root).render(
  <StrictMode>
    <Dashboard />
  </StrictMode>,
);
