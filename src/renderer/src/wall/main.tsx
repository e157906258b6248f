import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../common/styles.css';
import { WallView } from './WallView';
import { reportPlayable } from '../common/playable';

const root = document.getElementById('root');
if (!root) throw new Error('wall.html lacks #root');
const wallId = new URLSearchParams(window.location.search).get('wall');
reportPlayable();
createRoot(root).render(
  <StrictMode>
    {wallId ? (
      <WallView wallId={wallId} />
    ) : (
      <p className="error" role="alert">
        This window was opened without a wall. Close it and open a wall from the dashboard.
      </p>
    )}
  </StrictMode>,
);
