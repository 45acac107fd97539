import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api';
import { ApiContext } from './components/ApiContext';
import { App } from './components/App';
import { createCustosStore, StoreContext } from './store/store';
import './styles.css';

const api = connectApi();
const store = createCustosStore(api);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </ApiContext.Provider>
  </StrictMode>,
);
