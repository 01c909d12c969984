import { ComingSoon } from '../../../components/ComingSoon';

/** Placeholder until the automation flow builder lands (its own issue). */
export default function AutomationsPage() {
  return <ComingSoon app="automations" />;
}
