/** "Design Architecture": runs every step that is missing or stale on the PRD. */
import { pickPrd } from '../prdPicker';
import type { Services } from './services';

export async function designArchitecture({ runner, session }: Services, args: readonly unknown[]): Promise<void> {
  const prd = await pickPrd(args, 'Archflow: Design Architecture', session.prdUri());
  if (!prd) return;
  await runner.run(prd, { title: 'Design Architecture', steps: 'all' });
}
