/** A failure said next to the control it is about, and announced (role="alert"). */
export function InlineError({ message }: { message: string | null | undefined }): React.JSX.Element | null {
  if (!message) return null;
  return (
    <span className="inline-error" role="alert">
      {message}
    </span>
  );
}
