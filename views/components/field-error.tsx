/** A form field's error beside it (announced to screen readers); nothing when it has none. */
export function FieldError(props: { errors: Record<string, string> | undefined; field: string }) {
  const message = props.errors?.[props.field];
  return message === undefined ? null : (
    <span class="field-error" role="alert">
      {message}
    </span>
  );
}
