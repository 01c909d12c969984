import { ComingSoon } from '../../../components/ComingSoon';

/** Placeholder until analytics land (their own issue). */
export default function AnalyticsPage() {
  return <ComingSoon app="analytics" />;
}
