import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The workspace's styles come first: the screens' own stylesheets (imported by them) follow and
// build on it, in the order styles.css had them.
import './styles.css';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
