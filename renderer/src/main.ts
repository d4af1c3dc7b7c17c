/** Renderer entry: pick the client (Electron preload or browser mode), apply the theme, mount. */
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';
import { pickClient } from './lib/client';
import { setClient } from './lib/studio';
import { applyTheme, initialTheme } from './lib/theme';

setClient(pickClient(window));
applyTheme(initialTheme());
mount(App, { target: document.getElementById('app')! });
