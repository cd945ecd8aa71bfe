import { Fragment } from 'react';
import { handleParts } from '../format';

/** A customer's handle, breaking only between its pieces (never inside a phone number). */
export function Handle({ handle }: { handle: string }) {
  return (
    <>
      {handleParts(handle).map((part, i) => (
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          <span className="handle-part">{part}</span>
        </Fragment>
      ))}
    </>
  );
}
