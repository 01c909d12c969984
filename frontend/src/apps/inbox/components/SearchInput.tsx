import { useEffect, useRef, useState } from 'react';

interface SearchInputProps {
  value: string;
  placeholder: string;
  debounceMs: number;
  onSearch: (value: string) => void;
  'data-testid'?: string;
}

/** A search field that reports what was typed once typing pauses. */
export function SearchInput({ value, placeholder, debounceMs, onSearch, ...rest }: SearchInputProps) {
  const [text, setText] = useState(value);
  const latest = useRef(onSearch);
  useEffect(() => {
    latest.current = onSearch;
  });

  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => latest.current(text), debounceMs);
    return () => clearTimeout(timer);
  }, [text, value, debounceMs]);

  return (
    <input
      type="search"
      className="atendo-search"
      value={text}
      placeholder={placeholder}
      aria-label={placeholder}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') latest.current(text);
      }}
      data-testid={rest['data-testid']}
    />
  );
}
