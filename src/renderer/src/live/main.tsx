import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../common/styles.css';
import { LiveView } from './LiveView';
import { ReadyWindow } from './ReadyWindow';
import { reportPlayable } from '../common/playable';

const root = document.getElementById('root');
if (!root) throw new Error('live.html lacks #root');
const query = new URLSearchParams(window.location.search);
const cameraId = query.get('camera');
reportPlayable();
createRoot(root).render(
  <StrictMode>
    {cameraId ? (
      <LiveView cameraId={cameraId} />
    ) : query.has('ready') ? (
      <ReadyWindow />
    ) : (
      <p className="error" role="alert">
        This window was opened without a camera. Close it and start a stream from the dashboard.
      </p>
    )}
  </StrictMode>,
);
