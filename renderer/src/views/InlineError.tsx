/** A failure said next to the control it is about, and announced (role="alert"). */
export function InlineError({ message, id }: { message: string | null | undefined; id?: string }): React.JSX.Element | null {
  if (!message) return null;
  return (
    <span className="inline-error" role="alert" id={id}>
      {message}
    </span>
  );
}
