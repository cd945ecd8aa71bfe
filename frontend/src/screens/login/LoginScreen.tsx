import { useId, useRef, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { LoginMutation } from '../../api/operations';
import { describeError } from '../../api/errors';

interface LoginScreenProps {
  /** Why the agent is here, e.g. their session ended (shown above the form). */
  notice?: string;
  onSignedIn: (token: string) => void;
}

/** Email and password sign-in for human agents. */
export function LoginScreen({ notice, onSignedIn }: LoginScreenProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [failure, setFailure] = useState('');
  const [{ fetching }, login] = useMutation(LoginMutation);
  const passwordRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const errorId = `${id}-error`;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFailure('');
    const result = await login({ email: email.trim(), password });
    if (result.data) {
      onSignedIn(result.data.login.token);
      return;
    }
    setFailure(describeError(result.error, 'login'));
    setPassword('');
    passwordRef.current?.focus();
  };

  return (
    <main className="login-screen" id="main">
      <div className="login-card">
        <p className="brand-name login-brand" aria-hidden="true">
          Switchboard
        </p>
        <h1>Sign in</h1>
        <p className="muted">Use the email address and password your administrator gave you.</p>
        {notice && !failure ? (
          <p role="status" className="notice">
            {notice}
          </p>
        ) : null}
        <form onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${id}-email`}>Email</label>
            <input
              id={`${id}-email`}
              name="email"
              type="email"
              autoComplete="username"
              inputMode="email"
              autoCapitalize="none"
              spellCheck={false}
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={failure ? true : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              ref={passwordRef}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={failure ? true : undefined}
              aria-describedby={failure ? errorId : undefined}
            />
          </div>
          <div id={errorId} role="alert" className={failure ? 'error' : 'error empty'}>
            {failure}
          </div>
          <button type="submit" className="primary wide" disabled={fetching}>
            {fetching ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
