import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router'
import { isStaffRole, loadMe, session } from './stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** page title (document.title) */
    title?: string
    /** visitor: no login needed; member: login needed; admin: staff only */
    access?: 'visitor' | 'member' | 'admin' | 'public'
    /** help key (lib/help.ts) for the header's ヘルプ button */
    help?: string
    /** members only after staff confirmed the registration */
    activeOnly?: boolean
    /** staff console pages for admins only (職員管理, 担当部署) */
    adminOnly?: boolean
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/portal' },
  { path: '/login', component: () => import('./views/LoginView.vue'), meta: { title: 'ログイン', access: 'visitor', help: 'login' } },
  {
    path: '/password-reset',
    component: () => import('./views/PasswordResetRequestView.vue'),
    meta: { title: 'パスワード再設定', access: 'public', help: 'reset' },
  },
  {
    path: '/password-reset/confirm',
    component: () => import('./views/PasswordResetConfirmView.vue'),
    meta: { title: 'パスワード再設定', access: 'public', help: 'reset' },
  },
  { path: '/register', component: () => import('./views/RegisterView.vue'), meta: { title: '新規会員登録', access: 'public', help: 'register' } },
  {
    path: '/register/confirm',
    component: () => import('./views/RegisterConfirmView.vue'),
    meta: { title: '新規会員登録', access: 'public', help: 'register' },
  },
  {
    path: '/profile/email/confirm',
    component: () => import('./views/EmailConfirmView.vue'),
    meta: { title: 'メールアドレス変更の確認', access: 'public', help: 'profile' },
  },
  { path: '/portal', component: () => import('./views/PortalView.vue'), meta: { title: '企業Myポータル', access: 'member', help: 'portal' } },
  { path: '/inquiry', component: () => import('./views/InquiryKindsView.vue'), meta: { title: 'お問い合わせ', access: 'member', help: 'inquiry' } },
  {
    path: '/inquiry/:kindId',
    component: () => import('./views/InquiryFormView.vue'),
    meta: { title: '申請入力', access: 'member', help: 'inquiry' },
  },
  {
    path: '/inquiries/:id',
    component: () => import('./views/InquiryDetailView.vue'),
    meta: { title: 'お問い合わせ内容確認', access: 'member', help: 'inquiry' },
  },
  { path: '/password', component: () => import('./views/PasswordChangeView.vue'), meta: { title: 'パスワード変更', access: 'member', help: 'password' } },
  { path: '/events', component: () => import('./views/EventsView.vue'), meta: { title: 'イベントカレンダー', access: 'member', help: 'events' } },
  { path: '/videos', component: () => import('./views/VideosView.vue'), meta: { title: '動画コンテンツ', access: 'member', help: 'videos' } },
  {
    path: '/reservations',
    component: () => import('./views/ReservationsView.vue'),
    meta: { title: '予約確認・変更', access: 'member', help: 'reservations' },
  },
  {
    path: '/reservations/:id',
    component: () => import('./views/ReservationDetailView.vue'),
    meta: { title: '予約申込内容確認', access: 'member', help: 'reservations' },
  },
  {
    path: '/reservations/:id/change',
    component: () => import('./views/ReservationChangeView.vue'),
    meta: { title: '予約申込変更', access: 'member', help: 'reservations' },
  },
  { path: '/offerings', component: () => import('./views/OfferingsView.vue'), meta: { title: 'セミナー・相談の申込', access: 'member', help: 'offerings' } },
  {
    path: '/offerings/:id',
    component: () => import('./views/OfferingApplyView.vue'),
    meta: { title: '予約申込', access: 'member', help: 'offerings' },
  },
  {
    path: '/history',
    component: () => import('./views/UsageHistoryView.vue'),
    meta: { title: '利用履歴', access: 'member', help: 'history', activeOnly: true },
  },
  {
    path: '/directory',
    component: () => import('./views/DirectorySearchView.vue'),
    meta: { title: '会員企業検索', access: 'member', help: 'directory', activeOnly: true },
  },
  {
    path: '/directory/:companyId',
    component: () => import('./views/CompanyDetailView.vue'),
    meta: { title: '企業詳細', access: 'member', help: 'directory', activeOnly: true },
  },
  {
    path: '/directory/:companyId/contact',
    component: () => import('./views/CompanyContactView.vue'),
    meta: { title: '商談申込', access: 'member', help: 'directory-contact', activeOnly: true },
  },
  { path: '/profile', component: () => import('./views/ProfileView.vue'), meta: { title: 'My情報管理', access: 'member', help: 'profile', activeOnly: true } },
  {
    path: '/profile/edit',
    component: () => import('./views/ProfileEditView.vue'),
    meta: { title: 'My情報更新', access: 'member', help: 'profile', activeOnly: true },
  },
  {
    path: '/profile/withdrawal',
    component: () => import('./views/WithdrawalView.vue'),
    meta: { title: '退会する', access: 'member', help: 'withdrawal', activeOnly: true },
  },
  { path: '/help', component: () => import('./views/HelpView.vue'), meta: { title: 'ヘルプ', access: 'public' } },
  { path: '/help/:screen', component: () => import('./views/HelpView.vue'), meta: { title: 'ヘルプ', access: 'public' } },
  {
    path: '/unsubscribe',
    component: () => import('./views/UnsubscribeView.vue'),
    meta: { title: 'メールマガジンの配信停止', access: 'public', help: 'unsubscribe' },
  },
  {
    path: '/staff/invite',
    component: () => import('./views/StaffInviteView.vue'),
    meta: { title: '職員招待：パスワードの設定', access: 'public', help: 'staff-invite' },
  },
  {
    path: '/welcome',
    component: () => import('./views/WelcomeView.vue'),
    meta: { title: 'ご利用開始：パスワードの設定', access: 'public', help: 'welcome' },
  },
  { path: '/privacy', component: () => import('./views/PrivacyView.vue'), meta: { title: '個人情報保護方針', access: 'public' } },
  {
    path: '/accessibility',
    component: () => import('./views/AccessibilityView.vue'),
    meta: { title: 'ウェブアクセシビリティ方針', access: 'public' },
  },
  {
    path: '/admin',
    component: () => import('./admin/AdminLayout.vue'),
    meta: { access: 'admin', help: 'admin' },
    children: [
      { path: '', component: () => import('./admin/AdminHome.vue'), meta: { title: '公社職員コンソール', access: 'admin', help: 'admin' } },
      { path: 'members', component: () => import('./admin/AdminMembers.vue'), meta: { title: '会員・登録確認', access: 'admin', help: 'admin' } },
      { path: 'members/:id', component: () => import('./admin/AdminMemberDetail.vue'), meta: { title: '会員情報', access: 'admin', help: 'admin' } },
      { path: 'offerings', component: () => import('./admin/AdminOfferings.vue'), meta: { title: '催し・日程', access: 'admin', help: 'admin' } },
      {
        path: 'offerings/:id',
        component: () => import('./admin/AdminOfferingDetail.vue'),
        meta: { title: '催しの詳細', access: 'admin', help: 'admin' },
      },
      { path: 'content/:kind', component: () => import('./admin/AdminContent.vue'), meta: { title: 'コンテンツ管理', access: 'admin', help: 'admin' } },
      { path: 'inquiries', component: () => import('./admin/AdminInquiries.vue'), meta: { title: 'お問い合わせ対応', access: 'admin', help: 'admin' } },
      {
        path: 'inquiries/:id',
        component: () => import('./admin/AdminInquiryDetail.vue'),
        meta: { title: 'お問い合わせ詳細', access: 'admin', help: 'admin' },
      },
      {
        path: 'newsletters',
        component: () => import('./admin/AdminNewsletters.vue'),
        meta: { title: 'メールマガジン配信', access: 'admin', help: 'admin-newsletters' },
      },
      { path: 'exports', component: () => import('./admin/AdminExports.vue'), meta: { title: '名簿出力', access: 'admin', help: 'admin' } },
      { path: 'mail-outbox', component: () => import('./admin/AdminMailOutbox.vue'), meta: { title: '再送待ちメール', access: 'admin', help: 'admin' } },
      { path: 'audit-log', component: () => import('./admin/AdminAudit.vue'), meta: { title: '監査ログ', access: 'admin', help: 'admin' } },
      {
        path: 'member-imports',
        component: () => import('./admin/AdminMemberImport.vue'),
        meta: { title: '会員データ移行', access: 'admin', adminOnly: true, help: 'admin' },
      },
      { path: 'staff', component: () => import('./admin/AdminStaff.vue'), meta: { title: '職員管理', access: 'admin', adminOnly: true, help: 'admin' } },
      {
        path: 'departments',
        component: () => import('./admin/AdminDepartments.vue'),
        meta: { title: '担当部署', access: 'admin', adminOnly: true, help: 'admin' },
      },
    ],
  },
  { path: '/:pathMatch(.*)*', component: () => import('./views/NotFoundView.vue'), meta: { title: 'ページが見つかりません', access: 'public' } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

/** Starts loading a route's lazy components (the router would only after the guards, i.e. after GET /api/me). */
function preloadComponents(to: RouteLocationNormalized) {
  for (const record of to.matched) {
    for (const component of Object.values(record.components ?? {})) {
      if (typeof component === 'function' && !('displayName' in component) && !('props' in component) && !('__vccOpts' in component)) {
        ;(component as () => Promise<unknown>)().catch(() => null)
      }
    }
  }
}

router.beforeEach(async (to) => {
  const access = to.meta.access ?? 'public'
  // the screen's chunk and GET /api/me in parallel, not one after the other
  if (!session.checked) preloadComponents(to)
  if (access === 'public') {
    // still learn who is logged in, for the header
    if (!session.checked) await loadMe().catch(() => null)
    return true
  }
  let me = session.me
  if (!session.checked) {
    try {
      me = await loadMe()
    } catch {
      me = null
    }
  }
  if (access === 'visitor') {
    if (me) return isStaffRole(me.role) && !to.query.next ? '/admin' : typeof to.query.next === 'string' ? to.query.next : '/portal'
    return true
  }
  if (!me) return { path: '/login', query: { next: to.fullPath } }
  if (access === 'admin' && !isStaffRole(me.role)) return '/portal'
  if (to.meta.adminOnly && me.role !== 'admin') return '/admin'
  return true
})

router.afterEach((to) => {
  const t = to.meta.title
  document.title = t ? `${t}｜企業Myポータル｜ネットクラブ会員サービス` : '企業Myポータル｜ネットクラブ会員サービス'
})
