// Shared with the other apps' split views.
export { useMediaQuery } from '../../shared/ui/useMediaQuery';
