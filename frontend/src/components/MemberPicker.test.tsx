import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useDirectoryStore } from '../apps/inbox/store/directoryStore';
import type { Member } from '../shared/api';
import { matchesMember, MemberPicker } from './MemberPicker';

setupIonicReact();

function member(id: string, display_name: string, email: string): Member {
  return { id, display_name, email } as Member;
}

/** ion-item takes `disabled` as a property (a web component), not as an attribute. */
function isDisabled(element: HTMLElement): boolean {
  return (element as HTMLElement & { disabled?: boolean }).disabled === true;
}

const ANA = member('m-1', 'Ana Souza', 'ana@demo.test');
const BRUNO = member('m-2', 'Bruno Lima', 'vendas@demo.test');

describe('MemberPicker', () => {
  beforeEach(() => {
    useDirectoryStore.setState({ members: [ANA, BRUNO], membersDenied: false });
  });

  it('matches on name or e-mail, ignoring case and spaces', () => {
    expect(matchesMember(ANA, '  ana ')).toBe(true);
    expect(matchesMember(BRUNO, 'VENDAS')).toBe(true);
    expect(matchesMember(BRUNO, 'souza')).toBe(false);
    expect(matchesMember(BRUNO, '')).toBe(true);
  });

  it('narrows the list as one types and hands back the picked member', () => {
    const onPick = vi.fn();
    render(<MemberPicker currentId={null} onPick={onPick} searchLabel="Search" deniedText="No access" />);
    expect(screen.getAllByTestId('assign-member')).toHaveLength(2);
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'bruno' } });
    const rows = screen.getAllByTestId('assign-member');
    expect(rows).toHaveLength(1);
    fireEvent.click(rows[0] as HTMLElement);
    expect(onPick).toHaveBeenCalledWith(BRUNO);
  });

  it('disables the current holder (or every row while busy) and says when members are hidden', () => {
    const { rerender } = render(<MemberPicker currentId="m-1" onPick={vi.fn()} searchLabel="Search" deniedText="No access" />);
    const [ana, bruno] = screen.getAllByTestId('assign-member') as [HTMLElement, HTMLElement];
    expect(isDisabled(ana)).toBe(true);
    expect(isDisabled(bruno)).toBe(false);
    rerender(<MemberPicker currentId="m-1" disabled onPick={vi.fn()} searchLabel="Search" deniedText="No access" />);
    expect(isDisabled(screen.getAllByTestId('assign-member')[1] as HTMLElement)).toBe(true);
    expect(screen.queryByText('No access')).toBeNull();
    useDirectoryStore.setState({ members: [], membersDenied: true });
    rerender(<MemberPicker currentId={null} onPick={vi.fn()} searchLabel="Search" deniedText="No access" />);
    expect(screen.getByText('No access')).toBeTruthy();
  });
});
