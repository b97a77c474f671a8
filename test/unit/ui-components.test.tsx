// @vitest-environment jsdom
/** The shared components' promises: a busy button keeps focus and ignores clicks; a dialog traps, closes on Escape and gives focus back. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Button } from '../../renderer/src/ui/Button';
import { Dialog } from '../../renderer/src/ui/Dialog';
import { Badge, StatusDot } from '../../renderer/src/ui/Status';

afterEach(cleanup);

describe('Button', () => {
  it('when busy shows a spinner, says aria-busy, ignores clicks and keeps focus (it is not disabled)', () => {
    const clicked = vi.fn();
    const { rerender } = render(<Button busy onClick={clicked}>Restart</Button>);
    const button = screen.getByRole('button', { name: 'Restart' });
    button.focus();
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.hasAttribute('disabled')).toBe(false);
    expect(button.querySelector('.spinner')).not.toBeNull();
    fireEvent.click(button);
    expect(clicked).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(button);
    rerender(<Button onClick={clicked}>Restart</Button>);
    expect(button.hasAttribute('aria-busy')).toBe(false);
    fireEvent.click(button);
    expect(clicked).toHaveBeenCalledTimes(1);
  });

  it('does not submit its form while busy, and is a plain button unless told to submit', () => {
    const submitted = vi.fn((e: { preventDefault(): void }) => e.preventDefault());
    render(
      <form onSubmit={submitted}>
        <Button>Other</Button>
        <Button type="submit" busy>
          Save
        </Button>
      </form>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Other' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(submitted).not.toHaveBeenCalled();
  });
});

describe('StatusDot and Badge', () => {
  it('say the state in words, not by colour alone', () => {
    render(
      <>
        <StatusDot state="failed" />
        <StatusDot state="running" label="API running" hideLabel />
        <Badge tone="warn" label="3 waiting">3</Badge>
      </>,
    );
    expect(screen.getByText('failed').closest('.status-dot')?.className).toContain('tone-bad');
    expect(screen.getByText('API running').className).toBe('sr-only');
    expect(screen.getByRole('img', { name: '3 waiting' }).textContent).toBe('3');
  });
});

function Opener(): React.JSX.Element {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Show details
      </button>
      {open && (
        <Dialog title="Details" description="What the run did." onClose={() => setOpen(false)}>
          <button type="button">Inside</button>
        </Dialog>
      )}
    </>
  );
}

describe('Dialog', () => {
  it('is a named modal with its description; Escape closes it and focus goes back to its opener', async () => {
    render(<Opener />);
    const opener = screen.getByRole('button', { name: 'Show details' });
    opener.focus();
    fireEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Details' });
    expect(dialog.getAttribute('aria-describedby')).toBe(screen.getByText('What the run did.').id);
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    await vi.waitFor(() => expect(document.activeElement).toBe(opener));
  });

  it('closes from its Close button', () => {
    render(<Opener />);
    fireEvent.click(screen.getByRole('button', { name: 'Show details' }));
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
