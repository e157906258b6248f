import type { Camera } from '../../../shared/cameras';
import { HealthPanel } from '../common/HealthPanel';
import { Modal } from '../common/Modal';
import { useStreamHealth } from '../common/use-stream-health';

/**
 * A card's Health: the camera's current or latest session, as its live window shows it
 * (without the player's start, which only a window that played can measure).
 */
export function HealthDialog({ camera, onClose }: { camera: Camera; onClose: () => void }) {
  const { health, loading, error, refresh } = useStreamHealth(camera.id, true);
  return (
    <Modal label={`Health of ${camera.name}`} onClose={onClose} className="dialog health-dialog">
      <HealthPanel
        health={health}
        camera={camera}
        loading={loading}
        error={error}
        onClose={onClose}
        onRefresh={refresh}
      />
    </Modal>
  );
}
