import { useEffect, useState } from 'react';
import { useCustosStore } from '../store/store';
import { useApi } from './ApiContext';

/**
 * Drag-and-drop onto the window. Electron reveals the dropped files' paths through the preload;
 * a browser never does, so there the user is pointed to the path field instead.
 */
export function useFileDrop(): boolean {
  const store = useCustosStore();
  const api = useApi();
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      setDragging(true);
    };
    const onOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      const state = store.getState();
      const paths = api.pathForDroppedFile ? files.map((file) => api.pathForDroppedFile?.(file) ?? null) : [];
      const known = paths.filter((path): path is string => path !== null);
      if (known.length === 0) {
        state.notify({
          tone: 'error',
          title: 'Opening dropped files',
          message: 'This browser does not reveal where dropped files are stored.',
          hint: 'Type or paste the file or folder path in the Archives view, or use the desktop app.',
        });
        state.setView('archives');
        return;
      }
      state.setView('archives');
      void state.openPaths(known, 'add');
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [store, api]);

  return dragging;
}
