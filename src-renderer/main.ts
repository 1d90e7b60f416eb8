// Renderer entry: picks the transport (Electron preload or web bridge) and mounts the app.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { createLabApi } from './lib/transport.js';

const api = createLabApi();
mount(App, { target: document.getElementById('app') as HTMLElement, props: { api } });
