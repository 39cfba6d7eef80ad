import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from '../../lib/i18n.ts';
import { PhoneApp } from './PhoneApp.tsx';
import '../../app/styles.css';
import './phone.css';

initI18n();
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <PhoneApp />
  </StrictMode>,
);
