import { hueOf, initials } from '../format';

interface AvatarProps {
  id: string;
  name: string;
  imageUrl?: string;
  size?: 'small' | 'medium';
  title?: string;
}

/** Initials on a colour derived from the id (or the contact's picture when there is one). */
export function Avatar({ id, name, imageUrl, size = 'medium', title }: AvatarProps) {
  const className = `atendo-avatar atendo-avatar-${size}`;
  if (imageUrl) return <img className={className} src={imageUrl} alt="" title={title ?? name} loading="lazy" />;
  return (
    <span className={className} style={{ backgroundColor: `hsl(${hueOf(id)} 45% 45%)` }} title={title ?? name} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
