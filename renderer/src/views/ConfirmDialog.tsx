/** The confirmation dialog now lives with the shared components; this path stays for the screens that import it from here. */
export { ConfirmDialog, type Confirmation } from '../ui/Dialog';
